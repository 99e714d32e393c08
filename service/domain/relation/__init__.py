"""How two claims relate: the classifier interface, the feature baseline and the trained cross-encoder."""
