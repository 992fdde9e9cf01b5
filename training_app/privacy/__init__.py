"""Personal-data rights under KVKK: a copy of one's data, deletion requests and anonymisation."""
