"""How qbXML reaches QuickBooks: the COM request processor or the Web Connector."""
