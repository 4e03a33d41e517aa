"""The sync engine: flows in dependency order, durable identity, exactly-once writes, a dry-run plan."""
