"""What a production deployment is configured with."""

# Long and random enough for the deploy check's secret-key rule.
STRONG_KEY = "kR8v2JmQ_4pWn7xZbT1cLs9dHfYg3uEaVo6iNq0rMw5"
