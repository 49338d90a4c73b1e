"""The pure domain: models, session codes, capture parser, attendance. No I/O, no Textual."""
