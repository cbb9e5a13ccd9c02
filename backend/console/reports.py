"""One report in the console, and the actions on it."""
