"""Event types: the taxonomy (``resources/event_types.toml``), pattern inflection and the
tagger that labels sentences (:mod:`mapper.events.tagger`)."""
