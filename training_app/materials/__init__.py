"""Materials of a session: files and links for its trainers, participants and coordinators."""
