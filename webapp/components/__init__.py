"""The parts of the page, as Solara components, one part to a module."""
