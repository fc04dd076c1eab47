"""The inventory's import pipeline, one code path for the page, the commands and the API.

- `pipeline.import_file`: a file of activities or participations, all or nothing;
- `fields` and `values`: the columns an import recognises and how their cells are read;
- `rows`: the mapping compiled against a header, every row parsed and checked;
- `keys`: what a row updates (activity natural keys, participant pseudonyms, people, teams);
- `writer`: activities through the ORM, participations with database-specific bulk upserts;
- `runs`: an upload's way through preview → check → background import.

Files are opened by the generic reader `leerkoers.lib.tables`.
"""
