"""Question-bank file formats: GIFT and Aiken (Moodle's plain-text formats), parsed into
``bank.ParsedQuestion`` values that know nothing of the database. Importing them into quiz
versions is ``assessments.services``' job; these modules only read and write text."""
