"""One module per flow; the runner calls them in dependency order."""
