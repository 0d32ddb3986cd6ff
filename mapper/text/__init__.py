"""Text analysis: the spaCy pipeline and our components, and the actors found in it."""
