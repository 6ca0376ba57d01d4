"""The browser worker: launching the browser, rendering a post, keeping its files and traffic."""
