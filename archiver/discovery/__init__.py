"""Discovery internals: decoding, the platform index, the scan, hidden places, the text form."""
