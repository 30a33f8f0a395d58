"""Services of the notifications app: recording events, the inbox, and e-mail."""
