"""The business support web page: the exceptions queue, the visits board, flagged records."""
