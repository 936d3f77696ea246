"""Reading and writing files: case directories, framework files, spreadsheets."""
