"""The grader's own words (the checks speak for themselves: autograd_checks/messages), one catalogue
per language, kept in step the same way: same keys and fields, twin fingerprints (`make
stamp-messages`). The gradebook's notes are in English for the teacher; each feedback file is in its
student's language."""
