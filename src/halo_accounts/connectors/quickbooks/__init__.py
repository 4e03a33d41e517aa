"""QuickBooks Desktop: the qbXML layer, transports (COM, Web Connector) and the books connector."""
