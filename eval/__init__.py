"""eval stage of Gazette Chat."""
