"""Case notes: loading, chunking, embedding, storing and ingesting."""
