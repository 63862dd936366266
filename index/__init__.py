"""index stage of Gazette Chat."""
