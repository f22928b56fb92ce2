"""The partnership's directory of services for parents, and the services that fit a parent."""
