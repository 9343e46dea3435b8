"""Article check: find the claims in a news article (Chinese or English) that reesim can judge,
check them against the dataset, and draft a scenario of the events it describes."""
