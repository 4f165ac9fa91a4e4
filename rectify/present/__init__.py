"""Presentation: the vocabulary (zh and en), terminal tables, the bulletin and the
workbook. Functions return text or bytes; the CLI prints or the library writes them.
"""
