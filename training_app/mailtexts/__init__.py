"""Mail texts the office edits (E-posta metinleri): per mail kind and language a subject and body
with {placeholders}, used by queue_mail instead of the shipped template when one is saved."""
