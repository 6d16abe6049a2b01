// Placeholder source for a layer with no sources yet.
