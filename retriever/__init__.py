"""retriever stage of Gazette Chat."""
