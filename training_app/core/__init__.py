"""What every feature uses: Turkish text, ID numbers, permissions, errors, audit, mail."""
