"""Places: the offline gazetteer, online lookups, finding place mentions in text, resolving
them to places with the article as context, and the user's corrections."""
