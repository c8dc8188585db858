"""The monthly circular (通报): a view-model built once (``view.py``), then Word, Excel and HTML writers."""
