"""The admission catalog (准入目录): admitted items, editions, negative list, ledgers, plaques."""
