"""Our spaCy pipeline components, registered when this module is imported.

Kept at module level (not inside a function) so that spaCy can pickle a
pipeline that uses them: ``nlp.pipe(n_process=2)`` sends the pipeline to
worker processes, which import this module by name.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc


@Language.component("dateline_paragraphs")
def dateline_paragraphs(doc: Doc) -> Doc:
    """Start a sentence after every line break: headlines and captions have no full stop."""
    for token in doc[:-1]:
        if "\n" in token.text or "\n" in token.whitespace_:
            doc[token.i + 1].is_sent_start = True
    return doc
