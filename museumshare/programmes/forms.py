"""Forms for programmes, opportunities, applications, events and resources. They validate; the
services in services.py write. Each section belongs to the pages of views/<section>.py."""


# Programmes, members, participations, evaluations, stories, mentoring and displays

# Opportunities and applications

# Events, minutes and actions

# Resources
