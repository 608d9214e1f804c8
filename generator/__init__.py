"""Site generator for api.gouv.fr API descriptions: read → model → pages → MkDocs."""
