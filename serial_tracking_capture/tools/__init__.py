from . import import_file
