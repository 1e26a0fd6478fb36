"""What a model starts from: bargaining problems now, simulator scenarios later."""
