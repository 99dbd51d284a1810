package runtime

import "fmt"

// Quantize one row of 16 weights (one group, G = 16) to the 3.5-bit format
// and read it back.
func ExampleQuantizeQ35() {
	w := []float32{-2.0, -2.0, 1.75, 1.5, -0.3, -0.6, 0.1, 0.2, 0.8, 0.4, -1.2, -0.9, 0.2, 1.1, 0.5, -1.6}
	q, err := QuantizeQ35(w, 16, 1, 16)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("block % X\n", q.Codes)
	fmt.Printf("scales even %.4f odd %.4f\n", q.ScaleEven[0], q.ScaleOdd[0])
	for k := range 4 {
		fmt.Printf("w[%d] = %5.2f  code %2d  dequant %6.3f\n", k, w[k], q.Code(0, k), q.Dequant(0, k))
	}
	st := MatrixErrors(w, 16, q.Dequant)
	fmt.Printf("relative RMSE %.2f%%, %.1f bits per weight at G = 16\n", 100*st.RelRMSE, Q35BitsPerWeight(16))
	// Output:
	// block 69 0F C3 21 3C 69 A5
	// scales even 0.2862 odd 0.5068
	// w[0] = -2.00  code -7  dequant -2.003
	// w[1] = -2.00  code -4  dequant -2.027
	// w[2] =  1.75  code  6  dequant  1.717
	// w[3] =  1.50  code  3  dequant  1.520
	// relative RMSE 7.52%, 7.5 bits per weight at G = 16
}
