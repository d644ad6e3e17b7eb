"""Text clean-up for scraped articles: layout (headline, site chrome) and script checks."""
