"""The ``fieldplan`` console command."""
