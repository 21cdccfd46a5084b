"""Composing and sending every email mailbot sends. Knows nothing of ``mailbot``.

- ``outbound.templates.Templates.load(folder, council_name=..., mailbox_address=..., signature=...)``
- ``outbound.compose``: forward, alert, follow_up, record_chase, resend_request,
  acknowledgement, cannot_read, escalation, rag_review, digest → ``Composed``
- ``outbound.ids``: make_message_id, make_reference
- ``outbound.forms``: the visit form as DOCX and fillable PDF
- ``outbound.casefile``: one PDF per record for the case system
- ``outbound.factory.make_sender(kind, **options)`` → a ``outbound.sender.Sender``
- ``outbound.preview``: sample_values(kind), preview(templates, kind)
"""
