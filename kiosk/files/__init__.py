"""Writing the kiosk's own files: atomically, private from the first byte, and config edits
that keep the technician's comments. Shared by provisioning, install-service, the token
store and the staff keyboard's word list, so none of them imports another layer for it."""
