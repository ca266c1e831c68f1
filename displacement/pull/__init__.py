"""Live pull of form submissions from KoboToolbox and ODK Central (``docs/imports.md``, "Live pull").

``secrets`` encrypts a connection's API token or password; ``http`` is the one HTTP client
(timeouts, a bounded wait on 429 with Retry-After, errors that name no secret); ``kobo`` and
``odk`` fetch a connection's new, edited and deleted submissions since its watermark.
Nothing here writes to the database: ``services.pulls`` does.
"""
