"""The staff area: one parent blueprint with its sign-in and role guard, and a subpackage per concern."""
