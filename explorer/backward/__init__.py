"""A run's backward passes as the step-through page shows them: frame by frame as text (`frames`), drawn at a
step and animated (`figures`), and the Jacobian view of a pass (`jacobian`)."""
