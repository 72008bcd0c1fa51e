"""python3 -m ptychopinn.ptychodus [ptychodus arguments]: ptychodus with the PtychoPINN library."""
from .hook import main

main()
