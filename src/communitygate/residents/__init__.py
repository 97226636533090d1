"""民情零距离: the residents' platform (registry, matters, disputes, activities, programmes)."""
