"""chat stage of Gazette Chat."""
