"""Natural-language stages: parsing, quotes, entities and speaker resolution."""
