// SafeTensors: placeholder until its first module lands.
