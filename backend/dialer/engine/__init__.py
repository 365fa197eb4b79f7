"""The Stasis application that runs campaigns and connects answered customers to agents."""
