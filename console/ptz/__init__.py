"""PTZ control: one interface, protocol encoders, transports by URL."""
