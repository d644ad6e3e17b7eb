"""Reading inputs: files, directories and stdin, decoded into RawDocuments."""
